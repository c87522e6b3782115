package io.tether;

/**
 * The live tasks of one scope: a spawn adds its task before the thread starts, the task's end
 * removes it; cancellation and the registry iterate it. Each task keeps its place in its own
 * fields.
 */
final class LiveTasks extends LiveSet<Task<?>> {
  @Override
  void placed(Task<?> task, Chunk chunk, int slot) {
    task.liveChunk = chunk;
    task.liveSlot = slot;
  }

  @Override
  Chunk chunkOf(Task<?> task) {
    return task.liveChunk;
  }

  @Override
  int slotOf(Task<?> task) {
    return task.liveSlot;
  }
}
