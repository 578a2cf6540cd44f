DROP TABLE IF EXISTS tickets_ticket;
CREATE TABLE tickets_ticket (id int PRIMARY KEY, business_line_id int NOT NULL, department_id int, team_id int, assignee_id int, status varchar(20), type varchar(20), channel varchar(20), created_at timestamptz NOT NULL, resolved_at timestamptz, closed_at timestamptz, due_at timestamptz, description text);
INSERT INTO tickets_ticket SELECT i, 1 + i % 3, 1 + i % 6, 1 + i % 12, 100 + i % 90,
  CASE WHEN i % 100 < 3 THEN 'open' WHEN i % 100 < 4 THEN 'closed' ELSE 'resolved' END,
  CASE i % 4 WHEN 0 THEN 'complaint' WHEN 1 THEN 'consult' ELSE 'after_sales' END,
  CASE i % 3 WHEN 0 THEN 'phone' WHEN 1 THEN 'im' ELSE 'web' END,
  timestamptz '2026-06-10 00:00+00' + make_interval(secs => i * 15.552),
  CASE WHEN i % 100 < 4 THEN NULL ELSE timestamptz '2026-06-10 00:00+00' + make_interval(secs => i * 15.552 + (i % 97) * 3000) END,
  CASE WHEN i % 100 = 3 THEN timestamptz '2026-06-10 00:00+00' + make_interval(secs => i * 15.552 + 7200) END,
  timestamptz '2026-06-10 00:00+00' + make_interval(secs => i * 15.552 + 86400),
  md5(i::text) || md5((i+1)::text) || md5((i+2)::text) || md5((i+3)::text) || md5((i+4)::text) || md5((i+5)::text)
FROM generate_series(1, 1000000) i;
CREATE INDEX ticket_bl_created ON tickets_ticket (business_line_id, created_at DESC);
CREATE INDEX ticket_team_created ON tickets_ticket (team_id, created_at DESC);
CREATE INDEX ticket_status_due ON tickets_ticket (status, due_at);
CREATE INDEX ticket_bl_breakdown ON tickets_ticket (business_line_id, status, team_id, type, channel, due_at);
VACUUM ANALYZE tickets_ticket;
-- the cockpit's spans (cockpit_received.py)
ALTER TABLE tickets_ticket ADD COLUMN first_response_at timestamptz;
UPDATE tickets_ticket SET first_response_at = created_at + make_interval(secs => (id % 89) * 60 + 30) WHERE id % 10 <> 0;
VACUUM ANALYZE tickets_ticket;
