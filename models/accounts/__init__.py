"""Who a person is and what they may see: logins, personal and machine tokens, access to tasks."""
