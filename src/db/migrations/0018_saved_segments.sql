-- Saved customer segments: a name, a description and a filter over the
-- customers (tiers, tags, RFM segments, spend and recency ranges, home
-- stores, birthday month, consent per channel, a category bought in a
-- period), kept as the normalized JSON object the API answers. store_id:
-- a store's own segment, whose members are that store's customers and which
-- only users of that store see; NULL for a company-wide segment.
CREATE TABLE saved_segments (
  id {{ID}},
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  store_id BIGINT REFERENCES stores(id),
  filter TEXT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX saved_segments_store ON saved_segments(store_id, id);

