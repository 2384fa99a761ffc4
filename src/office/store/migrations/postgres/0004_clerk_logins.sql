-- Version 4: clerk logins. `list-clerks` shows when each account last logged in
-- (`clerk.disabled_at`, set by `disable-clerk`, exists since version 3).
ALTER TABLE clerk ADD COLUMN last_login_at TEXT;
