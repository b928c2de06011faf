/**
 * What happened, kept and told: the tamper-evident audit log (every access decision and admin change, hash
 * chained, with signed checkpoints), anomaly rules that raise alerts from the event stream, and webhooks that
 * deliver events to other systems. It consumes {@link io.gatehouse.core.event.Event}s and knows no HTTP
 * server, protocol or store implementation; its stores are interfaces implemented in {@code storage}.
 */
package io.gatehouse.audit;
