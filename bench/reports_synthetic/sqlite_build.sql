PRAGMA journal_mode=WAL;
CREATE TABLE tickets_ticket (id INTEGER PRIMARY KEY, business_line_id INT NOT NULL, department_id INT, team_id INT, assignee_id INT, status TEXT, type TEXT, channel TEXT, created_at TEXT NOT NULL, resolved_at TEXT, closed_at TEXT, due_at TEXT, description TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 1000000)
INSERT INTO tickets_ticket SELECT i, 1 + i % 3, 1 + i % 6, 1 + i % 12, 100 + i % 90,
  CASE WHEN i % 100 < 3 THEN 'open' WHEN i % 100 < 4 THEN 'closed' ELSE 'resolved' END,
  CASE i % 4 WHEN 0 THEN 'complaint' WHEN 1 THEN 'consult' ELSE 'after_sales' END,
  CASE i % 3 WHEN 0 THEN 'phone' WHEN 1 THEN 'im' ELSE 'web' END,
  strftime('%Y-%m-%d %H:%M:%f', '2026-06-10', '+' || (i * 15.552) || ' seconds'),
  CASE WHEN i % 100 < 4 THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%f', '2026-06-10', '+' || (i * 15.552 + (i % 97) * 3000) || ' seconds') END,
  CASE WHEN i % 100 = 3 THEN strftime('%Y-%m-%d %H:%M:%f', '2026-06-10', '+' || (i * 15.552 + 7200) || ' seconds') ELSE NULL END,
  strftime('%Y-%m-%d %H:%M:%f', '2026-06-10', '+' || (i * 15.552 + 86400) || ' seconds'),
  hex(randomblob(200)) FROM n;
CREATE INDEX ticket_bl_created ON tickets_ticket (business_line_id, created_at DESC);
CREATE INDEX ticket_team_created ON tickets_ticket (team_id, created_at DESC);
CREATE INDEX ticket_status_due ON tickets_ticket (status, due_at);
CREATE INDEX ticket_bl_breakdown ON tickets_ticket (business_line_id, status, team_id, type, channel, due_at);
CREATE INDEX ticket_assignee_status ON tickets_ticket (assignee_id, status, due_at);
ANALYZE;
-- the cockpit's spans (cockpit_received.py)
ALTER TABLE tickets_ticket ADD COLUMN first_response_at TEXT;
UPDATE tickets_ticket SET first_response_at = strftime('%Y-%m-%d %H:%M:%f', created_at, '+' || ((id % 89) * 60 + 30) || ' seconds') WHERE id % 10 <> 0;
ANALYZE;
