-- Why a meeting was cancelled, in the organiser's words (issue 12): the cancellation e-mail says
-- it. Empty for meetings cancelled without one, and for every meeting that is not cancelled.
ALTER TABLE meetings ADD COLUMN cancellation_reason TEXT NOT NULL DEFAULT '';
