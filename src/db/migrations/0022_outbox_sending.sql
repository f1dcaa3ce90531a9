-- The outbox sender's rate limit counts each channel's sends claimed in the
-- last minute (domain/marketing/outbox_send.c).
CREATE INDEX outbox_claimed ON outbox(channel, claimed_at) WHERE claimed_at IS NOT NULL;
