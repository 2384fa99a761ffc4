-- The same step as sqlite/0009_waiting_counts.sql, in PostgreSQL's terms.
-- Version 9: how many tickets wait, kept per site, day, queue and counter as tickets come
-- and go, so the console view reads a few rows instead of counting every waiting ticket of
-- the day. A trigger keeps it, so no write path can forget it. Every write that changes a
-- ticket holds its site's row first (`lock_rev`), so two transactions never take these
-- rows in opposite orders. `for_counter` 0 stands for a ticket any counter may call.
CREATE TABLE waiting_count (
    site_id       BIGINT NOT NULL,
    business_date TEXT NOT NULL,
    serve_queue   TEXT NOT NULL,
    for_counter   BIGINT NOT NULL,
    waiting       BIGINT NOT NULL,
    priority      BIGINT NOT NULL,
    PRIMARY KEY (site_id, business_date, serve_queue, for_counter)
);
INSERT INTO waiting_count
    SELECT site_id, business_date, serve_queue, COALESCE(for_counter, 0), COUNT(*),
           COUNT(CASE WHEN priority <> 'none' THEN 1 END)
    FROM ticket WHERE state = 'waiting'
    GROUP BY site_id, business_date, serve_queue, COALESCE(for_counter, 0);
CREATE FUNCTION count_waiting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.state = 'waiting' THEN
        UPDATE waiting_count
            SET waiting = waiting - 1, priority = priority - (OLD.priority <> 'none')::int
            WHERE site_id = OLD.site_id AND business_date = OLD.business_date
              AND serve_queue = OLD.serve_queue AND for_counter = COALESCE(OLD.for_counter, 0);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.state = 'waiting' THEN
        INSERT INTO waiting_count
            VALUES (NEW.site_id, NEW.business_date, NEW.serve_queue, COALESCE(NEW.for_counter, 0),
                    1, (NEW.priority <> 'none')::int)
            ON CONFLICT (site_id, business_date, serve_queue, for_counter) DO UPDATE
            SET waiting = waiting_count.waiting + 1,
                priority = waiting_count.priority + EXCLUDED.priority;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER ticket_waiting_changes
    AFTER INSERT OR DELETE OR UPDATE OF state, site_id, business_date, serve_queue, for_counter, priority
    ON ticket FOR EACH ROW EXECUTE FUNCTION count_waiting();
-- A counter's recent no-shows, newest first (the console lists them after every action),
-- found without sorting the counter's no-shows of every day.
DROP INDEX ticket_by_counter;
CREATE INDEX ticket_by_counter ON ticket (site_id, counter, state, no_show_at);
-- The waiting tickets of a site's day by priority, then in issue order: "next" asks for
-- the earliest ordinary tickets and the earliest priority one, and both now walk only
-- their own class (in issue order, stopping at the first that match).
DROP INDEX ticket_by_state;
CREATE INDEX ticket_by_state ON ticket (site_id, business_date, state, priority, issued_at, id)
    INCLUDE (serve_queue, for_counter);
