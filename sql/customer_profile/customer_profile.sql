-- customer_profile: a snapshot as of $dt (run date - 1). Formulas: docs/tables.md.
--   recency_days = $dt - local date of the last paid order; frequency = paid
--   orders in the last $lookback_days days; monetary = mean amount per paid
--   order (客单价); spend = their sum. r/f/m_score 1-5: 1 + how many of the
--   20/40/60/80th percentiles (over customers with orders) the value is past
--   (for recency: below), so equal values score alike; 5 = most recent /
--   most frequent / highest. (Cut points, not NTILE: a window over a million
--   customers buffers them all in one batch.)
--   Segment: each of R, F, M is "high" when the customer's value is better
--   than the mean of all customers with orders (the usual 8-segment model).
--   churn_risk = 1 - exp(-recency_days / expected gap between orders).
WITH paid AS (
    SELECT order_id, customer_id, CAST(amount AS DOUBLE) AS amount, CAST(local_time(paid_at, $timezone) AS DATE) AS day
    FROM orders
    WHERE paid_at IS NOT NULL
      AND CAST(local_time(paid_at, $timezone) AS DATE) <= $dt
      AND CAST(local_time(paid_at, $timezone) AS DATE) > $dt - $lookback_days
),
buyers AS (
    SELECT
        customer_id,
        COUNT(*) AS frequency,
        SUM(amount) AS spend,
        AVG(amount) AS monetary,
        MAX(day) AS last_day,
        MIN(day) AS first_day,
        -- evidence for recency: the last paid order (the largest id of the last day)
        split_part(MAX(concat(CAST(day AS VARCHAR), ' ', order_id)), ' ', 2) AS last_order_id
    FROM paid
    GROUP BY customer_id
),
refunded AS (
    SELECT customer_id, COUNT(*) AS refunds, SUM(CASE WHEN refund_type = 'price_diff' THEN 1 ELSE 0 END) AS price_diff_refunds
    FROM refunds
    WHERE CAST(local_time(applied_at, $timezone) AS DATE) <= $dt
    GROUP BY customer_id
),
contacts AS (
    SELECT
        customer_id,
        SUM(CASE WHEN CAST(dt AS DATE) > $dt - 30 THEN 1 ELSE 0 END) AS contacts_30d,
        COUNT(*) AS contacts_90d,
        SUM(CASE WHEN intent = 'complaint' THEN 1 ELSE 0 END) AS complaints_90d,
        -- evidence for complaints_90d (sorted_list leaves the NULLs of other contacts out)
        array_slice(sorted_list(CASE WHEN intent = 'complaint' THEN session_id END), 1, 3) AS complaint_session_ids,
        AVG(CASE WHEN CAST(dt AS DATE) > $dt - 30 THEN sentiment_end END) AS sentiment_avg_30d,
        AVG(CASE WHEN CAST(dt AS DATE) <= $dt - 30 THEN sentiment_end END) AS sentiment_avg_before
    FROM session_facts
    WHERE CAST(dt AS DATE) <= $dt
    GROUP BY customer_id
),
channels AS (
    SELECT customer_id, platform AS preferred_channel
    FROM (
        SELECT customer_id, platform, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY COUNT(*) DESC, platform) AS k
        FROM session_facts
        GROUP BY customer_id, platform
    ) x
    WHERE k = 1
),
people AS (
    SELECT customer_id FROM buyers UNION SELECT customer_id FROM contacts
),
base AS (
    SELECT
        p.customer_id,
        CAST($dt - b.last_day AS BIGINT) AS recency_days,
        COALESCE(b.frequency, 0) AS frequency,
        b.monetary,
        COALESCE(b.spend, 0.0) AS spend,
        b.first_day,
        b.last_day,
        b.last_order_id,
        CAST($dt - b.first_day AS BIGINT) AS tenure_days,
        COALESCE(r.refunds, 0) AS refunds,
        COALESCE(r.price_diff_refunds, 0) AS price_diff_refunds,
        CAST(COALESCE(r.refunds, 0) AS DOUBLE) / NULLIF(b.frequency, 0) AS refund_rate,
        COALESCE(c.contacts_30d, 0) AS contacts_30d,
        COALESCE(c.contacts_90d, 0) AS contacts_90d,
        COALESCE(c.complaints_90d, 0) AS complaints_90d,
        c.sentiment_avg_30d,
        c.sentiment_avg_30d - c.sentiment_avg_before AS sentiment_trend,
        ch.preferred_channel,
        c.complaint_session_ids
    FROM people p
    LEFT JOIN buyers b ON b.customer_id = p.customer_id
    LEFT JOIN refunded r ON r.customer_id = p.customer_id
    LEFT JOIN contacts c ON c.customer_id = p.customer_id
    LEFT JOIN channels ch ON ch.customer_id = p.customer_id
),
means AS (
    SELECT
        AVG(recency_days) AS r,
        AVG(frequency) AS f,
        AVG(monetary) AS m,
        -- quintile cut points; a score is 1 + the number of cut points the value is past
        percentile_cont(recency_days, 0.2) AS r20, percentile_cont(recency_days, 0.4) AS r40,
        percentile_cont(recency_days, 0.6) AS r60, percentile_cont(recency_days, 0.8) AS r80,
        percentile_cont(frequency, 0.2) AS f20, percentile_cont(frequency, 0.4) AS f40,
        percentile_cont(frequency, 0.6) AS f60, percentile_cont(frequency, 0.8) AS f80,
        percentile_cont(monetary, 0.2) AS m20, percentile_cont(monetary, 0.4) AS m40,
        percentile_cont(monetary, 0.6) AS m60, percentile_cont(monetary, 0.8) AS m80
    FROM base
    WHERE frequency > 0
),
scored AS (
    SELECT
        b.*,
        CASE WHEN b.frequency > 0 THEN 1
            + CASE WHEN b.recency_days < m.r80 THEN 1 ELSE 0 END + CASE WHEN b.recency_days < m.r60 THEN 1 ELSE 0 END
            + CASE WHEN b.recency_days < m.r40 THEN 1 ELSE 0 END + CASE WHEN b.recency_days < m.r20 THEN 1 ELSE 0 END
        END AS r_score,
        CASE WHEN b.frequency > 0 THEN 1
            + CASE WHEN b.frequency > m.f20 THEN 1 ELSE 0 END + CASE WHEN b.frequency > m.f40 THEN 1 ELSE 0 END
            + CASE WHEN b.frequency > m.f60 THEN 1 ELSE 0 END + CASE WHEN b.frequency > m.f80 THEN 1 ELSE 0 END
        END AS f_score,
        CASE WHEN b.frequency > 0 THEN 1
            + CASE WHEN b.monetary > m.m20 THEN 1 ELSE 0 END + CASE WHEN b.monetary > m.m40 THEN 1 ELSE 0 END
            + CASE WHEN b.monetary > m.m60 THEN 1 ELSE 0 END + CASE WHEN b.monetary > m.m80 THEN 1 ELSE 0 END
        END AS m_score,
        b.recency_days < m.r AS r_high,
        b.frequency > m.f AS f_high,
        b.monetary > m.m AS m_high
    FROM base b
    CROSS JOIN means m
),
metrics AS (
    SELECT customer_id, 'recency_days' AS metric, CAST(recency_days AS DOUBLE) AS v FROM scored
    UNION ALL SELECT customer_id, 'frequency', CAST(frequency AS DOUBLE) FROM scored
    UNION ALL SELECT customer_id, 'monetary', monetary FROM scored
    UNION ALL SELECT customer_id, 'spend', spend FROM scored
    UNION ALL SELECT customer_id, 'refunds', CAST(refunds AS DOUBLE) FROM scored
    UNION ALL SELECT customer_id, 'refund_rate', refund_rate FROM scored
    UNION ALL SELECT customer_id, 'price_diff_refunds', CAST(price_diff_refunds AS DOUBLE) FROM scored
    UNION ALL SELECT customer_id, 'contacts_30d', CAST(contacts_30d AS DOUBLE) FROM scored
    UNION ALL SELECT customer_id, 'complaints_90d', CAST(complaints_90d AS DOUBLE) FROM scored
    UNION ALL SELECT customer_id, 'r_score', CAST(r_score AS DOUBLE) FROM scored
    UNION ALL SELECT customer_id, 'f_score', CAST(f_score AS DOUBLE) FROM scored
    UNION ALL SELECT customer_id, 'm_score', CAST(m_score AS DOUBLE) FROM scored
    UNION ALL SELECT customer_id, 'sentiment_avg_30d', sentiment_avg_30d FROM scored
    UNION ALL SELECT customer_id, 'tenure_days', CAST(tenure_days AS DOUBLE) FROM scored
),
conditions AS (
    SELECT tag, metric, op, value, COUNT(*) OVER (PARTITION BY tag) AS needed FROM customer_tags
),
tagged AS (
    -- the tag and the values that earned it, e.g. 高价值：f_score=4, m_score=5
    SELECT m.customer_id, c.tag,
        concat(c.tag, '：', array_to_string(sorted_list(concat(m.metric, '=', CAST(round(m.v, 3) AS VARCHAR))), ', ')) AS evidence
    FROM metrics m
    JOIN conditions c ON c.metric = m.metric
    WHERE (c.op = '>=' AND m.v >= c.value) OR (c.op = '>' AND m.v > c.value) OR (c.op = '<=' AND m.v <= c.value)
       OR (c.op = '<' AND m.v < c.value) OR (c.op = '=' AND m.v = c.value)
    GROUP BY m.customer_id, c.tag, c.needed
    HAVING COUNT(*) = c.needed
),
tag_lists AS (
    SELECT customer_id, sorted_list(tag) AS tags, sorted_list(evidence) AS tag_evidence FROM tagged GROUP BY customer_id
)
SELECT
    s.customer_id,
    s.recency_days,
    s.frequency,
    s.monetary,
    s.r_score,
    s.f_score,
    s.m_score,
    CASE WHEN s.frequency > 0 THEN
        CASE
            WHEN s.r_high AND s.f_high AND s.m_high THEN '重要价值'
            WHEN s.r_high AND NOT s.f_high AND s.m_high THEN '重要发展'
            WHEN NOT s.r_high AND s.f_high AND s.m_high THEN '重要保持'
            WHEN NOT s.r_high AND NOT s.f_high AND s.m_high THEN '重要挽留'
            WHEN s.r_high AND s.f_high THEN '一般价值'
            WHEN s.r_high THEN '一般发展'
            WHEN s.f_high THEN '一般保持'
            ELSE '一般挽留'
        END
    END AS rfm_segment,
    s.frequency AS orders,
    s.spend,
    s.refunds,
    s.refund_rate,
    s.contacts_30d,
    s.contacts_90d,
    s.preferred_channel,
    s.sentiment_avg_30d,
    s.sentiment_trend,
    s.complaints_90d,
    COALESCE(s.complaint_session_ids, CAST(make_array() AS VARCHAR[])) AS complaint_session_ids,
    COALESCE(t.tags, CAST(make_array() AS VARCHAR[])) AS tags,
    COALESCE(t.tag_evidence, CAST(make_array() AS VARCHAR[])) AS tag_evidence,
    CASE WHEN s.frequency > 0 THEN
        1 - exp(-CAST(s.recency_days AS DOUBLE) / GREATEST(
            CASE WHEN s.frequency > 1 THEN CAST(s.last_day - s.first_day AS DOUBLE) / (s.frequency - 1) ELSE $single_order_gap_days END,
            1.0))
    END AS churn_risk,
    s.last_order_id
FROM scored s
LEFT JOIN tag_lists t ON t.customer_id = s.customer_id
ORDER BY s.customer_id
