package io.inferscale.api.codec;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.parser.Parser;

/**
 * A parser that counts the events that become nodes (scalars, aliases, list and mapping starts) and fails
 * past a limit, so the composed tree's size is bounded whatever the document; it also remembers where the
 * last event started, to place SnakeYAML's position-less limit errors on a line. Not thread-safe (one per read).
 */
final class BoundedParser implements Parser {

    /** Start of the message of the exception thrown past the limit. */
    static final String NODE_LIMIT = "InferScale node limit";

    private final Parser delegate;
    private final int maxNodes;
    private int nodes;
    private Mark lastMark;

    BoundedParser(Parser delegate, int maxNodes) {
        this.delegate = delegate;
        this.maxNodes = maxNodes;
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
        return delegate.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
        return delegate.peekEvent();
    }

    @Override
    public Event getEvent() {
        Event e = delegate.getEvent();
        if (e != null) {
            lastMark = e.getStartMark();
            if ((e.is(Event.ID.Scalar) || e.is(Event.ID.Alias) || e.is(Event.ID.SequenceStart) || e.is(Event.ID.MappingStart))
                    && ++nodes > maxNodes) {
                throw new YAMLException(NODE_LIMIT + " of " + maxNodes + " exceeded");
            }
        }
        return e;
    }

    /** Where the last event handed out started, or null before the first. */
    Mark lastMark() {
        return lastMark;
    }

    /** Nodes counted so far. */
    int nodes() {
        return nodes;
    }
}
