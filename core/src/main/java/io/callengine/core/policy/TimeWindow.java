package io.callengine.core.policy;

import io.callengine.core.CborSerializable;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.List;

/**
 * A weekly opening window in the policy's time zone: from {@code from} (inclusive) to {@code to}
 * (exclusive) on each of {@code days} (every day when empty). When {@code from} is after {@code
 * to} the window runs across midnight and its early-morning part belongs to the day it started:
 * FRIDAY 22:00-06:00 covers Saturday 03:00 but not Friday 03:00. Equal times mean 24 hours.
 */
public record TimeWindow(List<DayOfWeek> days, LocalTime from, LocalTime to) implements CborSerializable {}
