-- hot_questions: the most asked pre-sale questions per product category, for
-- the run date (window '1d') and the 7 days ending on it ('7d').
--
-- A pre-sale session is one of presale_sessions (job session_subjects: a
-- pre-sale question, or no word of an existing order and a product card or
-- no order with the shop in the 30 days before); its questions are the
-- customer's text messages that match $question_pattern (thanks, greetings
-- and 转人工 do not), grouped by normalize_question (greetings, particles,
-- sizes and punctuation dropped, synonyms folded:
-- config/question_synonyms.toml). The category of a session is that of
-- presale_sessions (product card; else the first order placed with the shop
-- after the session began; else the shop's only category), else 未识别.
WITH categorised AS (
    SELECT m.dt, m.session_id, m.shop_id, m.customer_id, m.message_id, m.sent_at, m.content_masked,
        normalize_question(m.content_masked) AS question, COALESCE(p.category, '未识别') AS category
    FROM message_insights m
    JOIN presale_sessions p ON p.session_id = m.session_id
    WHERE m.channel = 'chat' AND m.sender = 'customer' AND m.msg_type = 'text'
      AND regexp_like(m.content_masked, $question_pattern)
),
windows AS (
    SELECT '1d' AS "window", * FROM categorised WHERE dt = CAST($run_date AS VARCHAR)
    UNION ALL
    SELECT '7d' AS "window", * FROM categorised
),
counted AS (
    SELECT
        "window",
        category,
        question,
        COUNT(*) AS asks,
        COUNT(DISTINCT session_id) AS sessions,
        COUNT(DISTINCT customer_id) AS customers,
        array_slice(sorted_list(message_id), 1, 3) AS example_message_ids,
        MIN(content_masked) AS example
    FROM windows
    WHERE question <> ''
    GROUP BY "window", category, question
),
ranked AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY "window", category ORDER BY sessions DESC, asks DESC, question) AS rank
    FROM counted
)
SELECT "window", category, question, rank, asks, sessions, customers, example_message_ids, example
FROM ranked
WHERE rank <= $top_n
ORDER BY "window", category, rank
