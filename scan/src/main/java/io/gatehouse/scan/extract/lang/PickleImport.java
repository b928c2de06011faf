package io.gatehouse.scan.extract.lang;

/**
 * A global a pickle imports when it is loaded.
 *
 * @param opcode how: {@code GLOBAL}, {@code STACK_GLOBAL} or {@code INST}
 * @param offset the opcode's byte offset in the pickle
 * @param origin where the name came from; unless {@code CONSTANT}, {@code module} and {@code name} are {@code ?}
 */
record PickleImport(String module, String name, String opcode, long offset, Origin origin) {
    enum Origin {
        /** Named by string constants in the pickle. */
        CONSTANT,
        /** STACK_GLOBAL over values computed while loading: the name is only known then. */
        COMPUTED,
        /** STACK_GLOBAL over strings the reader did not keep (more than its budget): not known here. */
        UNTRACKED
    }

    String qualifiedName() {
        return module + "." + name;
    }
}
