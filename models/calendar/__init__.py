"""The Vietnamese working calendar and the one period type: dates in Hà Nội, working days, months to years."""
