"""Plans and their tasks as stored: the plan document, its deadlines, the "6 rõ" rule, KPIs, assignment."""
