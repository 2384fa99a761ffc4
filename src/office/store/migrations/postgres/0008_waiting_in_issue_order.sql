-- The same step as sqlite/0008_waiting_in_issue_order.sql, in PostgreSQL's terms.
-- Version 8: a site's tickets of a day in each state, in issue order. "Next" asks for the
-- earliest waiting tickets of its counter's queues (the ORDER BY issued_at, id of
-- counters::actions::call_next); with this index it walks the waiting tickets in that order
-- and stops at the first few that match, instead of fetching and sorting every waiting
-- ticket of the day, twice a call, while holding its counter's and its site's row locks.
-- The columns the console's waiting counts and "next" filter on are included, so both can
-- be answered from the index.
DROP INDEX ticket_by_state;
CREATE INDEX ticket_by_state ON ticket (site_id, business_date, state, issued_at, id)
    INCLUDE (priority, serve_queue, for_counter);
-- A counter's calls of the day, newest first: the console view lists its last ten and the
-- board each counter's last call, after every action, where walking the site's whole day
-- of calls back from the newest looked up every other counter's rows on the way.
CREATE INDEX call_log_by_counter ON call_log (site_id, business_date, counter, id);
