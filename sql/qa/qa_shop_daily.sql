-- qa_shop_daily: QA of day $dt per shop (shop_id), from the qa_rollup view
-- (sql/qa/qa_rollup.sql: the columns are described there).
SELECT shop_id, sessions, calls, score_avg, score_min, below_pass_rate, critical_sessions, rule_counts
FROM qa_rollup
WHERE grain = 'shop'
ORDER BY shop_id
