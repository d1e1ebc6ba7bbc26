/** A checkered-free ground plane and a light, shared by the rxgym locomotion models. */
export function ground(
  opts: { size?: string; friction?: string; z?: number; rgba?: string; condim?: number } = {},
): string {
  const size = opts.size ?? '40 40 0.1';
  const fr = opts.friction ? ` friction="${opts.friction}"` : '';
  const cd = opts.condim ? ` condim="${opts.condim}"` : '';
  return `<light name="sun" directional="true" pos="0 0 6" dir="-0.3 0.2 -1"/>
    <geom name="floor" type="plane" pos="0 0 ${opts.z ?? 0}" size="${size}" rgba="${opts.rgba ?? '0.55 0.6 0.65 1'}" conaffinity="1" contype="1"${fr}${cd}/>`;
}

/** A camera that follows `body` from the side (used as the default render camera "track"). */
export function trackCamera(distance: number, height: number): string {
  return `<camera name="track" mode="trackcom" pos="0 -${distance} ${height}" xyaxes="1 0 0 0 0.25 1"/>`;
}
