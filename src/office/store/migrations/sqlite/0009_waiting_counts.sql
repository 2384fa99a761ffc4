-- Version 9: how many tickets wait, kept per site, day, queue and counter as tickets come
-- and go, so the console view, read after every action and sent to every open console,
-- reads a few rows instead of counting every waiting ticket of the day (with 2,000
-- waiting that count was most of an action's cost). Triggers keep it, so no write path
-- can forget it. `for_counter` 0 stands for a ticket any counter of its queue may call.
CREATE TABLE waiting_count (
    site_id       INTEGER NOT NULL,
    business_date TEXT NOT NULL,
    serve_queue   TEXT NOT NULL,
    for_counter   INTEGER NOT NULL,
    waiting       INTEGER NOT NULL,
    priority      INTEGER NOT NULL,
    PRIMARY KEY (site_id, business_date, serve_queue, for_counter)
) WITHOUT ROWID;
INSERT INTO waiting_count
    SELECT site_id, business_date, serve_queue, COALESCE(for_counter, 0), COUNT(*),
           COUNT(CASE WHEN priority <> 'none' THEN 1 END)
    FROM ticket WHERE state = 'waiting'
    GROUP BY site_id, business_date, serve_queue, COALESCE(for_counter, 0);
CREATE TRIGGER ticket_starts_waiting AFTER INSERT ON ticket WHEN NEW.state = 'waiting'
BEGIN
    INSERT INTO waiting_count
        VALUES (NEW.site_id, NEW.business_date, NEW.serve_queue, COALESCE(NEW.for_counter, 0),
                1, NEW.priority <> 'none')
        ON CONFLICT DO UPDATE SET waiting = waiting + 1, priority = priority + excluded.priority;
END;
CREATE TRIGGER ticket_gone_waiting AFTER DELETE ON ticket WHEN OLD.state = 'waiting'
BEGIN
    UPDATE waiting_count SET waiting = waiting - 1, priority = priority - (OLD.priority <> 'none')
        WHERE site_id = OLD.site_id AND business_date = OLD.business_date
          AND serve_queue = OLD.serve_queue AND for_counter = COALESCE(OLD.for_counter, 0);
END;
CREATE TRIGGER ticket_waiting_changes
    AFTER UPDATE OF state, site_id, business_date, serve_queue, for_counter, priority ON ticket
    WHEN OLD.state = 'waiting' OR NEW.state = 'waiting'
BEGIN
    UPDATE waiting_count SET waiting = waiting - 1, priority = priority - (OLD.priority <> 'none')
        WHERE OLD.state = 'waiting' AND site_id = OLD.site_id
          AND business_date = OLD.business_date AND serve_queue = OLD.serve_queue
          AND for_counter = COALESCE(OLD.for_counter, 0);
    INSERT INTO waiting_count
        SELECT NEW.site_id, NEW.business_date, NEW.serve_queue, COALESCE(NEW.for_counter, 0),
               1, NEW.priority <> 'none'
        WHERE NEW.state = 'waiting'
        ON CONFLICT DO UPDATE SET waiting = waiting + 1, priority = priority + excluded.priority;
END;
-- A counter's recent no-shows, newest first (the console lists them after every action),
-- found without sorting the counter's no-shows of every day.
DROP INDEX ticket_by_counter;
CREATE INDEX ticket_by_counter ON ticket (site_id, counter, state, no_show_at);
-- The waiting tickets of a site's day by priority, then in issue order: "next" asks for
-- the earliest ordinary tickets and the earliest priority one, and both now walk only
-- their own class (in issue order, stopping at the first that match). With issue order
-- before priority, the priority question walked every waiting ticket when none of them
-- had priority, inside the write transaction.
DROP INDEX ticket_by_state;
CREATE INDEX ticket_by_state
    ON ticket (site_id, business_date, state, priority, issued_at, serve_queue, for_counter);
