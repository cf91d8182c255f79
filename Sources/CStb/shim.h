// Debian's libstb-dev (pkg-config `stb`): stb_image decodes PNG, JPEG, BMP (and more);
// stb_image_resize scales 8-bit images. The library libstb.a holds their implementations.
#include <stb_image.h>
#include <stb_image_resize.h>
