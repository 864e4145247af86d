package org.rapaio.jupyter.kernel.channels;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A corrected copy of rapaio-jupyter-kernel's channel loop, the same class name and API, which
 * venti-spark's kernel spec puts on the kernel's class path before the kernel jar
 * (notebooks/README.md, "The kernel"). Each of the kernel's channels (shell, control, heartbeat)
 * polls its socket in one of these threads. The kernel's own (3.0.1) has two faults that leave a
 * channel dead, so that one kernel start in about fifteen never answers {@code kernel_info} and
 * nbconvert fails with "Kernel didn't respond":
 *
 * <ul>
 *   <li>it sets its running flag after {@code Thread.start()}, so a thread scheduled at once reads
 *       {@code false} and ends before its first poll;
 *   <li>an exception in one turn ends the thread; a request that arrives before the kernel has
 *       registered its message handlers throws one.
 * </ul>
 *
 * Here the flag is set before the thread starts, and a failing turn is logged and the loop goes on
 * (Jupyter clients repeat {@code kernel_info} until it is answered).
 */
public final class LoopThread extends Thread {
  private static final Logger LOG = Logger.getLogger(LoopThread.class.getSimpleName());

  private volatile boolean running;
  private final long sleep;
  private final Runnable loopBody;

  public LoopThread(String name, long sleep, Runnable loopBody) {
    super(name);
    this.sleep = sleep;
    this.loopBody = loopBody;
  }

  @Override
  public void run() {
    while (running) {
      try {
        loopBody.run();
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING, getName() + ": a turn of the channel loop failed, the loop goes on", e);
      }
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        running = false;
        return;
      }
    }
  }

  @Override
  public synchronized void start() {
    running = true;
    super.start();
  }

  public void shutdown() {
    running = false;
  }
}
