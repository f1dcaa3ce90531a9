-- Staff performance: monthly targets split by last year's seasonality,
-- shared sales, commission plans and their payout periods, footfall for
-- conversion, recognition, evaluations, training, recurring tasks,
-- checklists and meetings.
-- Money BIGINT fen, instants BIGINT Unix ms, days TEXT YYYY-MM-DD,
-- months TEXT YYYY-MM, shares and rates in basis points (10000 = 100 %).

-- A sale credited to several salespeople: each one's share (sums to 10000
-- per sale). A sale without rows here is credited wholly to
-- COALESCE(salesperson_id, cashier_id).
CREATE TABLE sale_salespeople (
  sale_id BIGINT NOT NULL REFERENCES sales(id),
  user_id BIGINT NOT NULL,
  share_bp BIGINT NOT NULL,
  PRIMARY KEY (sale_id, user_id)
);
CREATE INDEX sale_salespeople_user ON sale_salespeople(user_id, sale_id);

-- What was entered for a year ('2027') or a quarter ('2027-Q1') and how it
-- was split. user_id 0: the store's own target. metric: revenue, units,
-- margin (units are whole units). category_id 0: all categories.
-- basis: store_last_year, company_last_year, even (no history at all).
CREATE TABLE target_entries (
  id {{ID}},
  store_id BIGINT NOT NULL REFERENCES stores(id),
  user_id BIGINT NOT NULL DEFAULT 0,
  metric TEXT NOT NULL,
  category_id BIGINT NOT NULL DEFAULT 0,
  period TEXT NOT NULL,
  total BIGINT NOT NULL,
  basis TEXT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (store_id, user_id, metric, category_id, period)
);

-- One month of a target; entry_id is the entry it was split from (NULL:
-- set for the month alone). edited: changed by hand after the split.
CREATE TABLE staff_targets (
  id {{ID}},
  entry_id BIGINT REFERENCES target_entries(id),
  store_id BIGINT NOT NULL REFERENCES stores(id),
  user_id BIGINT NOT NULL DEFAULT 0,
  metric TEXT NOT NULL,
  category_id BIGINT NOT NULL DEFAULT 0,
  month TEXT NOT NULL,
  amount BIGINT NOT NULL,
  edited INTEGER NOT NULL DEFAULT 0,
  updated_by BIGINT,
  updated_at BIGINT NOT NULL,
  UNIQUE (store_id, user_id, metric, category_id, month)
);
CREATE INDEX staff_targets_month ON staff_targets(month, store_id);
CREATE INDEX staff_targets_user ON staff_targets(user_id, month);

-- period_kind: month, quarter. status: draft, approved, closed (closed:
-- no new periods). rules: JSON, see docs/staff.md (tiers, discount bands,
-- margin floor, pool share, clawback window).
CREATE TABLE commission_plans (
  id {{ID}},
  name TEXT NOT NULL,
  period_kind TEXT NOT NULL,
  status TEXT NOT NULL,
  rules TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  approved_by BIGINT,
  approved_at BIGINT,
  closed_at BIGINT
);

-- kind: user (member_id a user) or store (every salesperson of the store).
CREATE TABLE commission_plan_members (
  plan_id BIGINT NOT NULL REFERENCES commission_plans(id),
  kind TEXT NOT NULL,
  member_id BIGINT NOT NULL,
  PRIMARY KEY (plan_id, kind, member_id)
);

-- One payout period of a plan: period '2027-01' or '2027-Q1'. status:
-- open (computed live), approved, closed (frozen: its lines are kept and
-- never recomputed; a later return becomes a clawback in the next period).
CREATE TABLE commission_periods (
  id {{ID}},
  plan_id BIGINT NOT NULL REFERENCES commission_plans(id),
  period TEXT NOT NULL,
  from_day TEXT NOT NULL,
  to_day TEXT NOT NULL,
  status TEXT NOT NULL,
  computed_at BIGINT,
  approved_by BIGINT,
  approved_at BIGINT,
  closed_by BIGINT,
  closed_at BIGINT,
  created_at BIGINT NOT NULL,
  UNIQUE (plan_id, period)
);

-- Every line that contributed to a period's payout. kind: sale (a sale
-- line's commission), return (negative, a return in this period), tier
-- (the attainment bonus), pool (a share of the store pool), clawback (a
-- return after its sale's period closed). base: what the rate applied to.
-- detail: JSON with the reason (band, margin, share, source line).
CREATE TABLE commission_lines (
  id {{ID}},
  period_id BIGINT NOT NULL REFERENCES commission_periods(id),
  user_id BIGINT NOT NULL,
  store_id BIGINT,
  kind TEXT NOT NULL,
  day TEXT,
  sale_id BIGINT,
  sale_line_id BIGINT,
  return_id BIGINT,
  base BIGINT NOT NULL DEFAULT 0,
  rate_bp BIGINT NOT NULL DEFAULT 0,
  amount BIGINT NOT NULL,
  detail TEXT
);
CREATE INDEX commission_lines_period ON commission_lines(period_id, user_id);
CREATE INDEX commission_lines_sale_line ON commission_lines(sale_line_id);
CREATE INDEX commission_lines_return ON commission_lines(return_id);

-- A period's total per person (kept with the lines when closed).
CREATE TABLE commission_payouts (
  period_id BIGINT NOT NULL REFERENCES commission_periods(id),
  user_id BIGINT NOT NULL,
  store_id BIGINT,
  sales BIGINT NOT NULL DEFAULT 0,
  target BIGINT NOT NULL DEFAULT 0,
  attainment_bp BIGINT NOT NULL DEFAULT 0,
  commission BIGINT NOT NULL DEFAULT 0,
  tier_bonus BIGINT NOT NULL DEFAULT 0,
  pool BIGINT NOT NULL DEFAULT 0,
  clawback BIGINT NOT NULL DEFAULT 0,
  total BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (period_id, user_id)
);
CREATE INDEX commission_payouts_user ON commission_payouts(user_id);

-- Store entries per hour from a door counter (entered by hand or imported
-- from its CSV). source: manual, import.
CREATE TABLE footfall (
  store_id BIGINT NOT NULL REFERENCES stores(id),
  day TEXT NOT NULL,
  hour BIGINT NOT NULL,
  entries BIGINT NOT NULL,
  source TEXT NOT NULL,
  updated_by BIGINT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (store_id, day, hour)
);

-- badge: top_seller, customer_star, team_player, fast_learner,
-- service_hero, milestone.
CREATE TABLE recognitions (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  store_id BIGINT,
  badge TEXT NOT NULL,
  note TEXT NOT NULL,
  given_by BIGINT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX recognitions_user ON recognitions(user_id, at);

-- role: the role evaluated with this template. criteria: JSON
-- [{"key","name","weight"}] with weights summing to 100. cadence_months:
-- the next evaluation is scheduled this many months after a published one.
CREATE TABLE evaluation_templates (
  id {{ID}},
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  criteria TEXT NOT NULL,
  cadence_months BIGINT NOT NULL DEFAULT 6,
  active INTEGER NOT NULL DEFAULT 1,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- status: scheduled (before its period ends), open, published, cancelled.
-- self_* written by the person, manager_* by the manager; neither sees the
-- other's part until published. scores: JSON {"criterion key": 1..5}.
-- score_bp: the weighted manager score ×100 (1.00..5.00 → 100..500).
CREATE TABLE evaluations (
  id {{ID}},
  template_id BIGINT NOT NULL REFERENCES evaluation_templates(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  store_id BIGINT,
  manager_id BIGINT,
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  due_day TEXT NOT NULL,
  status TEXT NOT NULL,
  self_scores TEXT,
  self_comment TEXT,
  self_submitted_at BIGINT,
  manager_scores TEXT,
  manager_comment TEXT,
  manager_submitted_at BIGINT,
  score_bp BIGINT,
  published_at BIGINT,
  next_id BIGINT,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX evaluations_user ON evaluations(user_id, period_to);
CREATE INDEX evaluations_store ON evaluations(store_id, status);

-- kind: product, selling, service. status: draft, published, archived.
-- materials: JSON [{"kind":"text|link|file","title",...}]; quiz: JSON
-- [{"question","options":[...],"answer":index}]. pass_bp: the pass mark.
CREATE TABLE courses (
  id {{ID}},
  title TEXT NOT NULL,
  kind TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  materials TEXT NOT NULL DEFAULT '[]',
  quiz TEXT NOT NULL DEFAULT '[]',
  pass_bp BIGINT NOT NULL DEFAULT 8000,
  status TEXT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- A file attached to a course's materials, base64 in data.
CREATE TABLE course_files (
  id {{ID}},
  course_id BIGINT NOT NULL REFERENCES courses(id),
  name TEXT NOT NULL,
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  data TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX course_files_course ON course_files(course_id);

-- Courses every user of a role must complete (due due_days after they
-- are assigned).
CREATE TABLE course_roles (
  course_id BIGINT NOT NULL REFERENCES courses(id),
  role TEXT NOT NULL,
  due_days BIGINT NOT NULL DEFAULT 30,
  PRIMARY KEY (course_id, role)
);

-- A course assigned to a person. status: assigned, passed.
CREATE TABLE course_assignments (
  id {{ID}},
  course_id BIGINT NOT NULL REFERENCES courses(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  due_day TEXT,
  status TEXT NOT NULL,
  assigned_by BIGINT,
  assigned_at BIGINT NOT NULL,
  passed_at BIGINT,
  best_score_bp BIGINT,
  UNIQUE (course_id, user_id)
);
CREATE INDEX course_assignments_user ON course_assignments(user_id, status);

CREATE TABLE course_attempts (
  id {{ID}},
  course_id BIGINT NOT NULL REFERENCES courses(id),
  user_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  score_bp BIGINT NOT NULL,
  passed INTEGER NOT NULL,
  answers TEXT NOT NULL
);
CREATE INDEX course_attempts_user ON course_attempts(user_id, course_id, at);

-- A category whose products need this course passed before a sale of them
-- earns commission (NULL: none).
ALTER TABLE categories ADD COLUMN required_course_id BIGINT;

-- Recurring tasks: a template that makes a task each period. rule: weekly
-- (weekday 1..7, Monday 1) or monthly (day 1..28). checklist: JSON
-- ["item", ...] copied into each task.
CREATE TABLE task_recurrences (
  id {{ID}},
  title TEXT NOT NULL,
  note TEXT,
  store_id BIGINT REFERENCES stores(id),
  assignee_id BIGINT,
  rule TEXT NOT NULL,
  weekday BIGINT,
  monthday BIGINT,
  checklist TEXT NOT NULL DEFAULT '[]',
  next_day TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Where a task came from (each NULL when not).
ALTER TABLE tasks ADD COLUMN recurrence_id BIGINT;
ALTER TABLE tasks ADD COLUMN meeting_id BIGINT;
ALTER TABLE tasks ADD COLUMN evaluation_id BIGINT;
ALTER TABLE tasks ADD COLUMN course_id BIGINT;
CREATE UNIQUE INDEX tasks_recurrence_due ON tasks(recurrence_id, due_at) WHERE recurrence_id IS NOT NULL;

CREATE TABLE task_checklist_items (
  id {{ID}},
  task_id BIGINT NOT NULL REFERENCES tasks(id),
  position BIGINT NOT NULL,
  text TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  done_by BIGINT,
  done_at BIGINT
);
CREATE INDEX task_checklist_items_task ON task_checklist_items(task_id, position);

CREATE TABLE meetings (
  id {{ID}},
  store_id BIGINT REFERENCES stores(id),
  title TEXT NOT NULL,
  at BIGINT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX meetings_store ON meetings(store_id, at);

CREATE TABLE meeting_attendees (
  meeting_id BIGINT NOT NULL REFERENCES meetings(id),
  user_id BIGINT NOT NULL,
  PRIMARY KEY (meeting_id, user_id)
);
