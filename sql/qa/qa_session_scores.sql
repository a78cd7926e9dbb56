-- qa_session_scores: every chat session and call of day $dt, scored.
-- score = max(0, 100 - sum of points), or 0 when a critical rule is broken.
-- sorted_list (a voc aggregate) orders the structs by rule_id, their first field.
WITH per_session AS (
    SELECT
        session_id,
        SUM(points) AS points,
        BOOL_OR(critical) AS critical,
        sorted_list(named_struct('rule_id', rule_id, 'rule_name', rule_name, 'points', points, 'evidence', evidence)) AS deductions
    FROM qa_deductions
    GROUP BY session_id
)
SELECT
    s.session_id,
    s.channel,
    s.platform,
    s.agent_id,
    s.team_id,
    s.shop_id,
    s.customer_id,
    CASE WHEN COALESCE(p.critical, FALSE) THEN 0.0 ELSE GREATEST(0.0, 100.0 - COALESCE(p.points, 0.0)) END AS score,
    COALESCE(p.critical, FALSE) AS critical,
    COALESCE(p.points, 0.0) AS points_deducted,
    p.deductions
FROM session_facts s
LEFT JOIN per_session p ON p.session_id = s.session_id
WHERE s.dt = $dt
ORDER BY s.session_id
