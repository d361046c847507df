"""Rules: conditions on arriving feedback records and insights, and the actions they trigger."""
