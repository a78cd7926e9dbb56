-- kpi_shop_daily: service KPIs of day $dt (= run date - 1) per shop and
-- platform; calls are the platform 'phone' (channel 'call'). Every rate
-- comes with the counts it divides, so a dashboard can re-aggregate.
-- Percentiles are exact. Formulas: docs/tables.md.
WITH sf AS (
    SELECT * FROM session_facts WHERE dt = $dt
),
presale AS (
    SELECT DISTINCT shop_id, platform, customer_id FROM sf WHERE intent = 'presale'
),
paid AS (
    -- customers who paid an order with the shop on $dt .. $dt + conversion_days (local dates)
    SELECT DISTINCT shop_id, customer_id
    FROM orders
    WHERE paid_at IS NOT NULL
      AND CAST(local_time(paid_at, $timezone) AS DATE) BETWEEN $dt AND $dt + $conversion_days
),
conversion AS (
    SELECT p.shop_id, p.platform, COUNT(*) AS presale_customers, COUNT(o.customer_id) AS converted_customers
    FROM presale p
    LEFT JOIN paid o ON o.shop_id = p.shop_id AND o.customer_id = p.customer_id
    GROUP BY p.shop_id, p.platform
),
kpis AS (
    SELECT
        shop_id,
        platform,
        MAX(channel) AS channel,
        COUNT(*) AS sessions,
        COUNT(DISTINCT customer_id) AS customers,
        percentile_cont(first_response_s, 0.5) AS frt_p50_s,
        percentile_cont(first_response_s, 0.9) AS frt_p90_s,
        SUM(avg_reply_s * (customer_turns - unanswered_turns)) / NULLIF(SUM(CASE WHEN avg_reply_s IS NOT NULL THEN customer_turns - unanswered_turns END), 0) AS avg_reply_s,
        SUM(CASE WHEN resolved THEN 1 ELSE 0 END) AS resolved_sessions,
        SUM(CASE WHEN recontact_24h THEN 1 ELSE 0 END) AS recontacted_sessions,
        COUNT(csat) AS rated_sessions,
        AVG(CAST(csat AS DOUBLE)) AS csat_avg,
        AVG(CASE WHEN csat >= 4 THEN 1.0 WHEN csat IS NOT NULL THEN 0.0 END) AS csat_top2_rate,
        SUM(CASE WHEN bot_started THEN 1 ELSE 0 END) AS bot_started_sessions,
        SUM(CASE WHEN bot_started AND transferred_to_human THEN 1 ELSE 0 END) AS transferred_sessions,
        SUM(question_rounds) AS question_rounds,
        SUM(rounds_answered_in_time) AS rounds_answered_in_time
    FROM sf
    GROUP BY shop_id, platform
)
SELECT
    k.shop_id,
    k.platform,
    k.channel,
    k.sessions,
    k.customers,
    k.frt_p50_s,
    k.frt_p90_s,
    k.avg_reply_s,
    k.resolved_sessions,
    CAST(k.resolved_sessions AS DOUBLE) / k.sessions AS resolution_rate,
    k.recontacted_sessions,
    CAST(k.recontacted_sessions AS DOUBLE) / k.sessions AS repeat_contact_rate,
    k.rated_sessions,
    k.csat_avg,
    k.csat_top2_rate,
    k.bot_started_sessions,
    k.transferred_sessions,
    CAST(k.transferred_sessions AS DOUBLE) / NULLIF(k.bot_started_sessions, 0) AS transfer_rate,
    k.question_rounds,
    k.rounds_answered_in_time,
    CAST(k.rounds_answered_in_time AS DOUBLE) / NULLIF(k.question_rounds, 0) AS response_3min_rate,
    COALESCE(c.presale_customers, 0) AS presale_customers,
    COALESCE(c.converted_customers, 0) AS converted_customers,
    CAST(c.converted_customers AS DOUBLE) / NULLIF(c.presale_customers, 0) AS conversion_rate
FROM kpis k
LEFT JOIN conversion c ON c.shop_id = k.shop_id AND c.platform = k.platform
ORDER BY k.shop_id, k.platform
