/** Where socket.io listens on the platform (its events are declared in ../events.ts). */
export const SOCKET_PATH = '/socket.io';
