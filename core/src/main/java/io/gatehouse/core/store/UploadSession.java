package io.gatehouse.core.store;

import io.gatehouse.core.model.RepositoryName;
import java.time.Instant;

/** An upload in progress. It lives in the metadata store so any node can continue it. */
public record UploadSession(String id, RepositoryName repository, long size, Instant startedAt, Instant updatedAt) {}
