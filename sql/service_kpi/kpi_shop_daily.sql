-- kpi_shop_daily: service KPIs per shop and platform for the run date, from
-- session_facts. Percentiles are exact (approx_percentile_cont would trade
-- exactness for memory on very large shops).
SELECT
    shop_id,
    platform,
    COUNT(*) AS sessions,
    COUNT(DISTINCT customer_id) AS customers,
    percentile_cont(first_response_s, 0.5) AS frt_p50_s,
    percentile_cont(first_response_s, 0.9) AS frt_p90_s,
    AVG(avg_reply_s) AS avg_reply_s,
    AVG(CAST(csat AS DOUBLE)) AS csat_avg,
    AVG(CASE WHEN csat >= 4 THEN 1.0 WHEN csat IS NOT NULL THEN 0.0 END) AS csat_top2_rate,
    AVG(CASE WHEN bot_msgs > 0 THEN CASE WHEN transferred_to_human THEN 1.0 ELSE 0.0 END END) AS transfer_rate,
    AVG(CASE WHEN first_response_s IS NULL THEN NULL WHEN first_response_s <= $response_slo_s THEN 1.0 ELSE 0.0 END) AS first_response_slo_rate
FROM session_facts
WHERE dt = $run_date
GROUP BY shop_id, platform
ORDER BY shop_id, platform
