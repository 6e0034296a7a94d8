// Never a blank page: a page whose code cannot load (the server restarted on a new version, the network dropped) or that fails to
// render shows what happened and a reload button, while the header, the alerts and their sound keep working.
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
  /** The page's address: moving to another page clears the error, so that page may try to load. */
  resetKey: string;
}

interface State {
  error: Error | null;
}

/** A dynamic import that failed (Vite's chunk errors differ per browser): a reload fetches the current version's files. */
function isChunkLoadError(error: Error): boolean {
  return /dynamically imported module|Importing a module script failed|error loading dynamically|Failed to fetch|ChunkLoadError/i.test(
    `${error.name} ${error.message}`,
  );
}

export class PageErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(previous: Props): void {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('page failed', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    const chunk = isChunkLoadError(error);
    return (
      <div className="notice notice--error page-error" role="alert" data-testid="page-error" data-kind={chunk ? 'chunk' : 'render'}>
        <h1 className="page-error__title">
          <span aria-hidden="true">⚠ </span>
          {chunk ? 'This page could not be loaded' : 'This page stopped working'}
        </h1>
        <p>
          {chunk
            ? 'PumpWatch may have been updated or restarted, or the connection dropped. Reloading fetches the current version.'
            : 'Something went wrong while showing this page. Reloading usually helps.'}{' '}
          Alerts and their sound keep working meanwhile.
        </p>
        <button type="button" className="button button--primary" onClick={() => window.location.reload()} data-testid="page-error-reload">
          Reload the page
        </button>
      </div>
    );
  }
}
