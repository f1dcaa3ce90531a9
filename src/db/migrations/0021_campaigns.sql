-- Campaigns: when the members' snapshot of a started campaign was complete
-- (NULL while it is being taken: the campaigns job resumes it after a crash).
ALTER TABLE campaigns ADD COLUMN planned_at BIGINT;
-- Why an approver sent the campaign back to draft (NULL: never rejected).
ALTER TABLE campaigns ADD COLUMN rejected_reason TEXT;
-- The target members still to be sent (the job looks for them every minute).
CREATE INDEX campaign_members_pending ON campaign_members(campaign_id, customer_id)
  WHERE grp = 'target' AND variant IS NOT NULL AND queued_at IS NULL;
