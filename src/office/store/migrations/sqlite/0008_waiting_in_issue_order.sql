-- Version 8: a site's tickets of a day in each state, in issue order, with what "next" and
-- the console's waiting counts look at. "Next" asks for the earliest waiting tickets of
-- its counter's queues (the ORDER BY issued_at, id of counters::actions::call_next); with
-- this index it walks the waiting tickets in that order and stops at the first few that
-- match, where the old one made it fetch and sort every waiting ticket of the day, twice a
-- call, while holding the write lock. The console view, read after every action, counts
-- the waiting tickets per queue: with priority, serve_queue and for_counter in the index it
-- counts from the index alone instead of looking each ticket up in the table. The table
-- is WITHOUT ROWID, so the index ends with the ticket's id, the order's tie-break.
DROP INDEX ticket_by_state;
CREATE INDEX ticket_by_state
    ON ticket (site_id, business_date, state, issued_at, priority, serve_queue, for_counter);
-- A counter's calls of the day, newest first: the console view lists its last ten and the
-- board each counter's last call, after every action, where walking the site's whole day
-- of calls back from the newest looked up every other counter's rows on the way.
CREATE INDEX call_log_by_counter ON call_log (site_id, business_date, counter, id);
