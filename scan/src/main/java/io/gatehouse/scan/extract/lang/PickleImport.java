package io.gatehouse.scan.extract.lang;

/**
 * A global a pickle imports when it is loaded.
 *
 * @param opcode how: {@code GLOBAL}, {@code STACK_GLOBAL} or {@code INST}
 * @param offset the opcode's byte offset in the pickle
 * @param computed true when STACK_GLOBAL's operands were not string constants, so the name is only known at load
 *     time ({@code module} and {@code name} are then {@code ?})
 */
record PickleImport(String module, String name, String opcode, long offset, boolean computed) {
    String qualifiedName() {
        return module + "." + name;
    }
}
