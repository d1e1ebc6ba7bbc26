/** The MJCF models written for rxgym, by model name. */
export { HOPPER_XML } from './hopper.js';
export { WALKER2D_XML } from './walker2d.js';
export { HALF_CHEETAH_XML } from './half-cheetah.js';
export { ANT_XML } from './ant.js';
export { HUMANOID_XML } from './humanoid.js';
export { SWIMMER_XML } from './swimmer.js';
export { INVERTED_PENDULUM_XML } from './inverted-pendulum.js';
export { REACHER_XML } from './reacher.js';
