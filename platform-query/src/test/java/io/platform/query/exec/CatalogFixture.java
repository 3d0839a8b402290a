package io.platform.query.exec;

import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;

final class CatalogFixture {
    private CatalogFixture() {
    }

    static SchemaCatalog withSchema(StreamSchema schema) {
        SchemaCatalog catalog = SchemaCatalog.detached();
        catalog.apply(schema);
        return catalog;
    }
}
