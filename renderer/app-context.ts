// What every screen needs: the UI language, the translate function, the settings, and a toast sink.
import { createContext, useContext } from 'react';
import type { Settings } from '../shared/settings.ts';
import { DEFAULT_SETTINGS } from '../shared/settings-defaults.ts';
import type { Language } from '../shared/types.ts';
import { errorText } from './api.ts';
import { translate, type Translate } from './i18n.ts';

export type ToastLevel = 'info' | 'warning' | 'error';
export type AppContextValue = {
  lang: Language;
  t: Translate;
  settings: Settings;
  setSettings: (s: Settings) => void;
  /** `key`: the action the toast reports; a toast under the same key replaces it (and clearToasts(key) removes it). */
  toast: (level: ToastLevel, text: string, key?: string) => void;
  clearToasts: (key: string) => void;
  /** The one way a failed request is reported: an error toast with the error's text in the UI language. */
  toastError: (err: unknown, key?: string) => void;
};

/** Builds `toastError` from the toast sink (App and the component harness share it). */
export function errorToaster(toast: AppContextValue['toast'], lang: Language): AppContextValue['toastError'] {
  return (err, key) => toast('error', errorText(err, lang), key);
}

export const AppContext = createContext<AppContextValue>({
  lang: 'ru',
  t: (k, p) => translate('ru', k, p),
  settings: DEFAULT_SETTINGS,
  setSettings: () => undefined,
  toast: () => undefined,
  clearToasts: () => undefined,
  toastError: () => undefined,
});

export function useApp(): AppContextValue {
  return useContext(AppContext);
}
