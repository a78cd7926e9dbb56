-- Reading a voc output from DuckDB, as a BI tool or an analyst would: every committed day of
-- refund_reasons_daily, with dt taken from the folder names (Hive partitioning).
-- Replace /tmp/voc-out with your output root (a local folder; for S3 use s3://bucket/prefix
-- after `INSTALL httpfs; LOAD httpfs;`).
SELECT shop_id, reason_code, refunds, share_of_shop, amount, dt
FROM read_parquet('/tmp/voc-out/refund_reasons_daily/*/*.parquet', hive_partitioning = true)
ORDER BY dt, shop_id, refunds DESC, reason_code;
