package org.mtlab.core.model;

import java.util.List;
import java.util.Map;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;

/** A kind with a fixed architecture over single-channel images of at least a given side: no fields of its own. */
abstract class FixedImageKind implements ModelKind {
    private final String name;
    private final int minSide;

    FixedImageKind(String name, int minSide) {
        this.name = name;
        this.minSide = minSide;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Map<String, String> fields() {
        return Map.of();
    }

    @Override
    public final void validate(StudySpec.ModelSpec model, List<Violation> out) {
    }

    @Override
    public final boolean needsImages() {
        return true;
    }

    @Override
    public final int minImageSide() {
        return minSide;
    }
}
