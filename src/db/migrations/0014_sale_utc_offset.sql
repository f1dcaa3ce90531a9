-- The company zone's UTC offset (seconds) in force when a sale or a return
-- was made: with `at` it gives the hour of day the till showed, so that the
-- hour-of-day rollup can be recomputed after the company zone changes.
-- NULL for documents from before this column (read as the current zone).
ALTER TABLE sales ADD COLUMN utc_offset BIGINT;
ALTER TABLE sale_returns ADD COLUMN utc_offset BIGINT;
