-- The improvement actions a manager writes with the manager part of an
-- evaluation: JSON [{"title","due_day"}]; they become tasks when the
-- evaluation is published.
ALTER TABLE evaluations ADD COLUMN manager_actions TEXT NOT NULL DEFAULT '[]';
