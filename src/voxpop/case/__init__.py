"""Cases, the inner loop: an unhappy customer becomes someone's job, with SLA clocks, follow-up and recovery."""
