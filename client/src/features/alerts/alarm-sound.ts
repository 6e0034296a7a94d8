// The critical-alert sound: a beep generated with Web Audio (no audio file to load or cache), and the mute setting of each user in this browser.
import { useSyncExternalStore } from 'react';

const MUTE_KEY = 'pumpwatch.alertSound.muted';
/** Whose mute setting is read and written: one user's choice never silences the next person signing in at the same desk. */
let muteUserId: string | null = null;
const muteKey = (): string => (muteUserId === null ? MUTE_KEY : `${MUTE_KEY}.${muteUserId}`);
export type AudioState = 'locked' | 'ready' | 'unsupported';

let context: AudioContext | null = null;
let audioState: AudioState = typeof window !== 'undefined' && 'AudioContext' in window ? 'locked' : 'unsupported';
const listeners = new Set<() => void>();

function notify(): void {
  for (const l of listeners) l();
}

function setAudioState(next: AudioState): void {
  if (audioState === next) return;
  audioState = next;
  notify();
}

function readMuted(): boolean {
  try {
    return window.localStorage.getItem(muteKey()) === 'true';
  } catch {
    // Storage refused (private mode, policy): the sound stays on, the safe default for a critical alarm.
    return false;
  }
}

let muted = typeof window !== 'undefined' ? readMuted() : false;
/** Only users who can act on a critical alert (clinicians and administrators of its clinic) hear it: for others no audio at all. */
let soundWanted = false;

/** Set by the alert watcher from the user's roles; off closes any audio context already made. */
export function setAlarmSoundWanted(wanted: boolean): void {
  if (soundWanted === wanted) return;
  soundWanted = wanted;
  if (wanted) {
    whenIdle(prepare);
  } else if (context) {
    void context.close().catch(() => undefined);
    context = null;
    if (audioState === 'ready') audioState = 'locked';
    notify();
  }
}

function whenIdle(task: () => void): void {
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(task, { timeout: 5_000 });
  else setTimeout(task, 500);
}

/**
 * The audio context and the square wave's tables, made at an idle moment ahead of the first gesture (the context waits suspended
 * until then): made in the gesture they cost that first click or keystroke some 80 ms of a 2-core machine's main thread.
 */
function prepare(): void {
  if (context || audioState === 'unsupported' || !soundWanted) return;
  try {
    context = new AudioContext();
    // A context builds a waveform's tables with its first oscillator of that type: this one is never started.
    const warmUp = context.createOscillator();
    warmUp.type = 'square';
  } catch {
    setAudioState('unsupported');
  }
}

/** Browsers start audio only after a user gesture: the first click or key anywhere unlocks it for the rest of the visit. */
function unlock(): void {
  if (audioState === 'unsupported' || !soundWanted) return;
  // Running already: nothing to do for this key or click (the listeners stay, should the browser suspend the context later).
  if (audioState === 'ready' && context?.state === 'running') return;
  try {
    context ??= new AudioContext();
    void context.resume().then(
      () => setAudioState(context?.state === 'running' ? 'ready' : 'locked'),
      () => undefined,
    );
  } catch {
    setAudioState('unsupported');
  }
}

if (typeof window !== 'undefined') {
  window.addEventListener('pointerdown', unlock, { capture: true });
  window.addEventListener('keydown', unlock, { capture: true });
  // Another tab of the same browser changed this user's setting: follow it, it is one setting per user and browser.
  window.addEventListener('storage', (event) => {
    if (event.key !== muteKey()) return;
    muted = readMuted();
    notify();
  });
}

/** Three short tones, high-low-high: distinct from the browser's own sounds, short enough to repeat. Muted: silent. */
export function playCriticalBeep(): void {
  if (muted || !soundWanted || !context || context.state !== 'running') return;
  const start = context.currentTime + 0.02;
  [880, 660, 880].forEach((frequencyHz, i) => {
    const c = context as AudioContext;
    const oscillator = c.createOscillator();
    const gain = c.createGain();
    oscillator.type = 'square';
    oscillator.frequency.value = frequencyHz;
    const t = start + i * 0.25;
    // Short ramps avoid clicks at start and end of each tone.
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.15, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.2);
    oscillator.connect(gain).connect(c.destination);
    oscillator.start(t);
    oscillator.stop(t + 0.22);
  });
}

/** Mutes or unmutes the alarm sound for the signed-in user in this browser (kept across reloads); the banners, the panel and the title flash stay. */
export function setAlarmMuted(next: boolean): void {
  muted = next;
  try {
    window.localStorage.setItem(muteKey(), String(next));
  } catch {
    // Not stored: the choice holds for this visit only.
  }
  notify();
}

/** The signed-in user (null: nobody): their own mute setting, stored in this browser, applies from now on. */
export function setAlarmMuteUser(userId: string | null): void {
  if (muteUserId === userId) return;
  muteUserId = userId;
  muted = readMuted();
  notify();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useAlarmMuted(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => muted,
    () => false,
  );
}

export function useAudioState(): AudioState {
  return useSyncExternalStore(
    subscribe,
    () => audioState,
    () => 'unsupported' as AudioState,
  );
}
