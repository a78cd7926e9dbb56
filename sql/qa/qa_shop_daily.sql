-- qa_shop_daily: QA of day $dt per shop (shop_id): mean score, sessions,
-- share below the pass mark ($pass_mark), critical sessions, and how many
-- sessions broke each rule (rule_counts, ordered by rule id).
-- sorted_list (a voc aggregate) orders the structs by rule_id, their first field.
WITH per_rule AS (
    SELECT shop_id, rule_id, MAX(rule_name) AS rule_name, COUNT(*) AS sessions
    FROM qa_deductions
    WHERE shop_id IS NOT NULL
    GROUP BY shop_id, rule_id
),
rule_counts AS (
    SELECT shop_id,
        sorted_list(named_struct('rule_id', rule_id, 'rule_name', rule_name, 'sessions', sessions)) AS rule_counts
    FROM per_rule
    GROUP BY shop_id
),
scores AS (
    SELECT shop_id,
        COUNT(*) AS sessions,
        SUM(CASE WHEN channel = 'call' THEN 1 ELSE 0 END) AS calls,
        AVG(score) AS score_avg,
        MIN(score) AS score_min,
        AVG(CASE WHEN score < $pass_mark THEN 1.0 ELSE 0.0 END) AS below_pass_rate,
        SUM(CASE WHEN critical THEN 1 ELSE 0 END) AS critical_sessions
    FROM qa_session_scores
    WHERE shop_id IS NOT NULL
    GROUP BY shop_id
)
SELECT s.shop_id, s.sessions, s.calls, s.score_avg, s.score_min, s.below_pass_rate, s.critical_sessions, r.rule_counts
FROM scores s
LEFT JOIN rule_counts r ON s.shop_id = r.shop_id
ORDER BY s.shop_id
