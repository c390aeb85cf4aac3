package io.callengine.core.queue;

import io.callengine.core.CborSerializable;
import java.util.List;

/** A queue's configuration with its waiting calls in order. */
public record QueueView(QueueConfig config, List<WaitingCall> waiting) implements CborSerializable {}
