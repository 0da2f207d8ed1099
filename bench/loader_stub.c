/*
 * The dynamic loader's cost of mongoway's libraries: bench/run links this
 * empty program against every library build/mongoway needs (the same DT_NEEDED
 * entries, resolved to the same files, with --no-as-needed), so running it
 * costs exec, loading and relocating those libraries and their constructors,
 * and nothing of mongoway itself.
 */
int main(void) { return 0; }
