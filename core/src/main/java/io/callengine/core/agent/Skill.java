package io.callengine.core.agent;

import io.callengine.core.CborSerializable;

/** A named skill at a level from 1 (novice) to 5 (expert). */
public record Skill(String name, int level) implements CborSerializable {}
