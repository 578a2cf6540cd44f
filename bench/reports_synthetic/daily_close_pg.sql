-- the daily close's ticket figures on PostgreSQL: the OR form (main) twice, its two parts (this
-- branch) twice, a week's resolutions; run before and after CREATE INDEX ticket_bl_resolved
\timing on
\o /dev/null
SELECT team_id, COUNT(id) FROM tickets_ticket WHERE business_line_id = 2 AND resolved_at >= '2026-12-05 16:00:00+00' AND resolved_at < '2026-12-06 16:00:00+00' GROUP BY 1;
SELECT team_id, COUNT(id) FROM tickets_ticket WHERE business_line_id = 2 AND resolved_at >= '2026-12-05 16:00:00+00' AND resolved_at < '2026-12-06 16:00:00+00' GROUP BY 1;
SELECT team_id, COUNT(id) FROM tickets_ticket WHERE business_line_id = 2 AND created_at < '2026-12-06 16:00:00+00' AND (resolved_at IS NULL OR resolved_at >= '2026-12-06 16:00:00+00') AND (closed_at IS NULL OR closed_at >= '2026-12-06 16:00:00+00') GROUP BY 1;
SELECT team_id, COUNT(id) FROM tickets_ticket WHERE business_line_id = 2 AND created_at < '2026-12-06 16:00:00+00' AND (resolved_at IS NULL OR resolved_at >= '2026-12-06 16:00:00+00') AND (closed_at IS NULL OR closed_at >= '2026-12-06 16:00:00+00') GROUP BY 1;
SELECT (team_id + 0), COUNT(id) FROM tickets_ticket WHERE business_line_id = 2 AND created_at < '2026-12-06 16:00:00+00' AND (resolved_at IS NULL OR resolved_at >= '2026-12-06 16:00:00+00') AND (closed_at IS NULL OR closed_at >= '2026-12-06 16:00:00+00') AND resolved_at IS NULL GROUP BY 1;
SELECT (team_id + 0), COUNT(id) FROM tickets_ticket WHERE business_line_id = 2 AND created_at < '2026-12-06 16:00:00+00' AND (resolved_at IS NULL OR resolved_at >= '2026-12-06 16:00:00+00') AND (closed_at IS NULL OR closed_at >= '2026-12-06 16:00:00+00') AND resolved_at >= '2026-12-06 16:00:00+00' GROUP BY 1;
SELECT (team_id + 0), COUNT(id) FROM tickets_ticket WHERE business_line_id = 2 AND created_at < '2026-12-06 16:00:00+00' AND (resolved_at IS NULL OR resolved_at >= '2026-12-06 16:00:00+00') AND (closed_at IS NULL OR closed_at >= '2026-12-06 16:00:00+00') AND resolved_at IS NULL GROUP BY 1;
SELECT (team_id + 0), COUNT(id) FROM tickets_ticket WHERE business_line_id = 2 AND created_at < '2026-12-06 16:00:00+00' AND (resolved_at IS NULL OR resolved_at >= '2026-12-06 16:00:00+00') AND (closed_at IS NULL OR closed_at >= '2026-12-06 16:00:00+00') AND resolved_at >= '2026-12-06 16:00:00+00' GROUP BY 1;
SELECT (team_id + 0), COUNT(id) FROM tickets_ticket WHERE business_line_id = 2 AND resolved_at >= '2026-11-29 16:00:00+00' AND resolved_at < '2026-12-06 16:00:00+00' GROUP BY 1;
\o
