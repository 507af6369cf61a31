// Replaced by the database template setup once the platform lands.
export default function setup(): void {}
