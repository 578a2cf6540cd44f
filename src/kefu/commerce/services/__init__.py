"""Every write of e-commerce operations: orders (import, upsert), reminders, returns, refunds."""
