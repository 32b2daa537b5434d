/**
 * Model kinds: one class per kind ({@link org.mtlab.core.model.ModelKind}), listed by one registry
 * ({@link org.mtlab.core.model.ModelKinds}). A kind declares and validates its spec fields and gives its trunk's
 * tensor shapes and telemetry blocks over data of a given shape ({@link org.mtlab.core.model.Architecture}) — the one
 * place of architecture arithmetic, read by the spec validator, the API description and the trainer.
 */
package org.mtlab.core.model;
