package io.gatehouse.scan.extract.lang;

import java.util.List;
import java.util.Optional;

/**
 * What walking one pickle's opcodes found.
 *
 * @param imports every global the pickle imports, in order
 * @param failure why the walk stopped before the STOP opcode (truncated, unknown opcode, stack underflow), if it did
 * @param bytesRead bytes consumed, up to and including STOP
 */
record PickleWalk(List<PickleImport> imports, Optional<String> failure, long bytesRead) {
    PickleWalk {
        imports = List.copyOf(imports);
    }
}
