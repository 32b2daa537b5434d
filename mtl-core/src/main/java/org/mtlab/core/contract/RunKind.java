package org.mtlab.core.contract;

/** STL: one task, its own model (the baseline). MTL: all tasks of the study, one shared trunk. */
public enum RunKind {
    STL, MTL
}
