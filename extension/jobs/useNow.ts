import { useEffect, useState } from 'react';

/**
 * The current time, ticking every second while `running` (elapsed times of running jobs).
 * A local clock for display only: job states still come by push, never by polling.
 */
export function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) {
      setNow(Date.now());
      return undefined;
    }
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}
