// Header toggle for the critical-alert sound in this browser: it silences the sound only, never a banner, the panel or the title flash.
import { useId } from 'react';
import { useCan } from '../auth/use-can';
import { setAlarmMuted, useAlarmMuted, useAudioState } from './alarm-sound';

/** Shown to those who can hear the sound: users who may acknowledge alerts in at least one of their clinics. */
export function MuteToggle() {
  const hearsAlarms = useCan('POST /api/alerts/:id/acknowledge');
  const muted = useAlarmMuted();
  const audio = useAudioState();
  const hintId = useId();
  const hint = muted
    ? 'Muted in this browser: critical alerts still show on screen and in the tab title.'
    : audio === 'locked'
      ? 'The browser starts the sound after your first click or key press on this page.'
      : audio === 'unsupported'
        ? 'This browser cannot play the alert sound; alerts still show on screen and in the tab title.'
        : "A critical alert sounds when raised, then again at the clinic's interval until someone acknowledges it.";
  if (!hearsAlarms) return null;
  return (
    <>
      <button
        type="button"
        className={`button button--header mute-toggle${muted ? ' mute-toggle--muted' : ''}`}
        // A toggle keeps one name; its state is aria-pressed (and the icon and text below for sighted users).
        aria-pressed={muted}
        aria-describedby={hintId}
        onClick={() => setAlarmMuted(!muted)}
        title={hint}
        data-testid="alarm-mute-toggle"
        data-muted={muted}
      >
        <span aria-hidden="true">{muted ? '⊘' : '♪'}</span> Mute alarm sound{muted && <span aria-hidden="true">: on</span>}
      </button>
      <span id={hintId} className="visually-hidden">
        {hint}
      </span>
    </>
  );
}
