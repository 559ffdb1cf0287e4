// Never a blank screen: a render error shows a clear message and a reload button.
import { Component, type ReactNode } from 'react';
import { translate } from '../i18n.ts';
import type { Language } from '../../shared/types.ts';

type Props = { lang: Language; children: ReactNode };
type State = { error: Error | null };

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };
  static getDerivedStateFromError(error: Error): State {
    return { error };
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="crash" role="alert">
        <h2>{translate(this.props.lang, 'app.crashed')}</h2>
        <pre className="muted">{this.state.error.message}</pre>
        <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>{translate(this.props.lang, 'app.reload')}</button>
      </div>
    );
  }
}
